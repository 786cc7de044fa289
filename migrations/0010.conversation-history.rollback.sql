DROP TABLE conversation_history;
