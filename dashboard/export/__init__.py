"""Excel exports: sheet definitions that pages provide, and the workbook writer."""
