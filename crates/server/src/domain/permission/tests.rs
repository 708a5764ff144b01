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

/// Every level's fixture spelling parses back to it, in any case, and displays as written in
/// fixtures and exports (cargo-mutants: the spellings had no test of their own here).
#[test]
fn every_level_round_trips_through_its_spelling() {
    let levels = [
        (ReadLevel::None, "none"),
        (ReadLevel::Own, "own"),
        (ReadLevel::Department, "department"),
        (ReadLevel::Subdepartments, "subdepartments"),
        (ReadLevel::Open, "open"),
        (ReadLevel::All, "all"),
    ];
    for (level, spelling) in levels {
        assert_eq!(level.as_str(), spelling);
        assert_eq!(level.to_string(), spelling);
        assert_eq!(spelling.parse(), Ok(level));
        assert_eq!(spelling.to_ascii_uppercase().parse(), Ok(level));
    }
    assert_eq!(
        "write".parse::<ReadLevel>(),
        Err(UnknownReadLevel("write".to_owned()))
    );
}

/// A reader without a department shares none with a record without one.
#[test]
fn no_department_is_not_the_same_department() {
    let reader = Reader {
        department_id: None,
        department_subtree: Vec::new(),
        ..reader()
    };
    let record = CrmRecordAccess {
        assigned_by_id: Some(8),
        assigned_department_id: None,
        opened: false,
    };
    assert!(!can_read(&reader, ReadLevel::Department, &record));
    assert!(!can_read(&reader, ReadLevel::Subdepartments, &record));
}
