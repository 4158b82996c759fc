"""Decree 30 drafts made by the programs offices really use, with ground truth.

Every sample in ``kyso.demo.samples`` comes from ReportLab.  Offices write in
Word or Writer, print from browsers and from Qt applications; their PDFs
differ (CID fonts, one text object per glyph, spaces as positioning, tables,
tab stops, footers, PDF/A).  This package writes the *same* kind of document
through each producer and reads the ground truth back from the produced PDF
with poppler (``pdftotext -bbox -cropbox``), which shares no code with Kyso's
analysis (PDFium).

Producers (see :data:`PRODUCERS`):

* ``docx-lo-*``: a .docx written with python-docx (Word's format: the header
  in a two-column table, tab stops, justified body, a footer with the page
  number) converted by LibreOffice Writer (``soffice --convert-to pdf``);
  ``-pdfa`` uses LibreOffice's PDF/A-2b export.  Microsoft Word itself is not
  available here: the .docx is Word's format, the PDF is LibreOffice's.
* ``chromium-*``: an HTML page printed by ``chromium --headless=new
  --print-to-pdf`` (one in NFD text: combining diacritics);
* ``wkhtmltopdf``: the same page through wkhtmltopdf (Qt WebKit);
* ``qt-*``: a QTextDocument printed by QPdfWriter (PySide6, offscreen), made
  at test time (fast) by :func:`qt_pdf`;
* geometry on a foreign producer: ``-rotate90`` and ``-cropbox`` wrap a
  LibreOffice export the way ``samples._postprocess`` wraps ReportLab's.

``python tests/producers/build.py`` rewrites the committed fixtures in
``tests/fixtures/producers`` (LibreOffice and Chromium take seconds each, too
slow for every test run).
"""
