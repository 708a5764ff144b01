-- Chat membership and messages: what imopenlines.crm.chat.user.* and crm.message.add need.
CREATE TABLE chat_members (
    chat_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

CREATE TABLE messages (
    id         BIGINT PRIMARY KEY,
    chat_id    BIGINT NOT NULL,
    author_id  BIGINT NOT NULL,
    text       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_by_chat ON messages (chat_id);

-- session.open finds a chat by its USER_CODE (connector|line|chat|user).
CREATE INDEX chats_by_user_code ON chats (connector_id, line_id, external_chat_id, external_user_id);
CREATE INDEX session_crm_bindings_by_session ON session_crm_bindings (session_id);
