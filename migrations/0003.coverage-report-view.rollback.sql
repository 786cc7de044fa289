DROP VIEW coverage_report;
