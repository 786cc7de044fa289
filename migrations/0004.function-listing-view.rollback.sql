DROP VIEW function_listing;
