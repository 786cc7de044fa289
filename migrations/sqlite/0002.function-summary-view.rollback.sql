DROP VIEW function_summary;
