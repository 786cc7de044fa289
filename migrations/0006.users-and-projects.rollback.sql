DROP TABLE workflow_events;
DROP TABLE projects;
DROP TABLE users;
