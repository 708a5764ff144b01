use super::*;

fn reader() -> Reader {
    Reader {
        user_id: 5,
        is_admin: false,
        department_id: Some(2),
        department_subtree: vec![2, 3],
    }
}

fn record(owner: i64, dept: i64, opened: bool) -> CrmRecordAccess {
    CrmRecordAccess {
        assigned_by_id: Some(owner),
        assigned_department_id: Some(dept),
        opened,
    }
}

#[test]
fn each_level_includes_the_lower_ones() {
    let own = record(5, 9, false);
    let colleague = record(6, 2, false);
    let below = record(7, 3, false);
    let open = record(8, 9, true);
    let other = record(8, 9, false);
    let table = [
        (ReadLevel::None, [false, false, false, false, false]),
        (ReadLevel::Own, [true, false, false, false, false]),
        (ReadLevel::Department, [true, true, false, false, false]),
        (ReadLevel::Subdepartments, [true, true, true, false, false]),
        (ReadLevel::Open, [true, true, true, true, false]),
        (ReadLevel::All, [true, true, true, true, true]),
    ];
    for (level, expected) in table {
        let got = [&own, &colleague, &below, &open, &other].map(|r| can_read(&reader(), level, r));
        assert_eq!(got, expected, "{level}");
    }
}

#[test]
fn admins_read_everything() {
    let admin = Reader {
        is_admin: true,
        ..reader()
    };
    assert!(can_read(&admin, ReadLevel::None, &record(1, 1, false)));
}

#[test]
fn levels_parse_in_any_case() {
    assert_eq!("SubDepartments".parse(), Ok(ReadLevel::Subdepartments));
    assert!("write".parse::<ReadLevel>().is_err());
}
