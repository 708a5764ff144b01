use super::*;
use crate::domain::crm::CrmRecordAccess;
use crate::domain::permission::can_read;

#[test]
fn prefixes_split_longest_first() {
    assert_eq!(Op::split_key("!=%TITLE"), (Op::NotLike, "TITLE"));
    assert_eq!(Op::split_key("!%=TITLE"), (Op::NotLike, "TITLE"));
    assert_eq!(Op::split_key("!%TITLE"), (Op::NotContains, "TITLE"));
    assert_eq!(Op::split_key("=%TITLE"), (Op::Like, "TITLE"));
    assert_eq!(Op::split_key("%=TITLE"), (Op::Like, "TITLE"));
    assert_eq!(Op::split_key("%TITLE"), (Op::Contains, "TITLE"));
    assert_eq!(Op::split_key(">=ID"), (Op::Ge, "ID"));
    assert_eq!(Op::split_key(">ID"), (Op::Gt, "ID"));
    assert_eq!(Op::split_key("<=ID"), (Op::Le, "ID"));
    assert_eq!(Op::split_key("<ID"), (Op::Lt, "ID"));
    assert_eq!(Op::split_key("!=ID"), (Op::Ne, "ID"));
    assert_eq!(Op::split_key("!ID"), (Op::Ne, "ID"));
    assert_eq!(Op::split_key("!@ID"), (Op::NotIn, "ID"));
    assert_eq!(Op::split_key("@ID"), (Op::In, "ID"));
    assert_eq!(Op::split_key("=ID"), (Op::Eq, "ID"));
    assert_eq!(Op::split_key("ID"), (Op::Eq, "ID"));
}

/// Every combination of reader, level and record in a small world: the list predicate
/// admits exactly the records `can_read` allows.
#[test]
fn visibility_agrees_with_can_read() {
    let readers = [
        (false, None, vec![]),
        (false, Some(1), vec![1, 2]),
        (false, Some(3), vec![3]),
        (true, Some(1), vec![1, 2]),
    ];
    let levels = [
        ReadLevel::None,
        ReadLevel::Own,
        ReadLevel::Department,
        ReadLevel::Subdepartments,
        ReadLevel::Open,
        ReadLevel::All,
    ];
    for (is_admin, department_id, department_subtree) in readers {
        let reader = Reader {
            user_id: 5,
            is_admin,
            department_id,
            department_subtree,
        };
        for level in levels {
            let visibility = Visibility::of(&reader, level);
            for assigned_by_id in [None, Some(5), Some(6)] {
                for assigned_department_id in [None, Some(1), Some(2), Some(3)] {
                    for opened in [false, true] {
                        let record = CrmRecordAccess {
                            assigned_by_id,
                            assigned_department_id,
                            opened,
                        };
                        assert_eq!(
                            visibility.admits(&record),
                            can_read(&reader, level, &record),
                            "{reader:?} {level} {record:?}"
                        );
                    }
                }
            }
        }
    }
}
