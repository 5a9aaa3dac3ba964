"""Word and Excel files made from the records (the 附件 of the procedure, lists for meetings)."""
