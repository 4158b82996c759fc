"""The application layer: one signing path for every face.

The desktop app (:mod:`kyso.gui`), the command line (:mod:`kyso.cli`) and the
web-page signing service are thin faces on this package; none of them
assembles a signature itself. It imports no Qt and speaks no HTTP of its own
(the document server is reached through :mod:`kyso.sync`).

- :mod:`.request` — settings + a face's answers → one signing request
  (:class:`~.request.SigningRequest` → the core's ``SignOptions``): the five
  role styles with the person's images, seal size and agency name, the
  timestamp server, the PDF's password, the placement;
- :mod:`.tokens` — the one listing of modules and tokens, the one rule for
  which certificate signs, and the one place a token session is opened
  (:func:`~.tokens.start_session`, :func:`~.tokens.open_signer`);
- :mod:`.batch` — the one batch loop (:func:`~.batch.run_batch`) with its
  sinks: a file, a folder's document, the sync outbox;
- :mod:`.preview` — where a stamp would land, before signing;
- :mod:`.verification` — many files verified at once, shared among worker
  processes (one a core), the reports in the files' order;
- :mod:`.sources` and :mod:`.serversource` — where documents come from (a
  folder, a single file, the server) and what each source can do.
"""
