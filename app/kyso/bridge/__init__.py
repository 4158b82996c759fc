"""Kyso as the web document systems' signing service (VGCA Sign Service protocol).

A face on :mod:`kyso.services`, like the desktop app and the command line:
web pages that sign through ``vgcaplugin.js`` open ``wss://127.0.0.1:8987/<Op>``
and Kyso answers them. It imports no Qt and no other face; the desktop app
runs it and supplies the person (:class:`~kyso.bridge.operations.Attendant`).

- :mod:`.protocol`  operations, lenient parameters, result shapes, Status codes
- :mod:`.operations` what each operation does (roles, batch, verify, cert info)
- :mod:`.transfer`  download, upload, the job folders that keep signed files
- :mod:`.server`    the WebSocket + HTTPS server (``websockets``, asyncio)
- :mod:`.tls`       the local CA (name-constrained to 127.0.0.1) and trust stores
"""
