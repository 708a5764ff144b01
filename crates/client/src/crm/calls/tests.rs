use super::*;

#[test]
fn zero_chat_ids_mean_none() {
    assert_eq!(nonzero(ChatId(0)), None);
    assert_eq!(nonzero(ChatId(5)), Some(ChatId(5)));
}
