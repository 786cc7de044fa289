DROP TRIGGER conversation_history_search ON conversation_history;
DROP FUNCTION message_search_keep();
DROP TABLE message_search;
