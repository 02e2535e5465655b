"""Spreadsheets in and out, one idea a module:

- reading: an uploaded sheet read safely, hostile files refused cheaply (read_sheet);
- formulas: text that would run as a formula escaped on the way out and back on the way in;
- widgets: how import columns are read (numbers as people write them, records by name);
- resources: the import and export base every app's resources extend (FormulaSafeResource);
- writing: the one workbook writer and its cell formats, which every export uses.
"""
