use super::*;

#[test]
fn bitmap_holds_dense_and_negative_ids() {
    let mut set = IdBitmap::with_max_blocks(MAX_CHAT_BLOCKS);
    for id in [1, 2, 511, 512, 513, 1_000_000, -1, -512, -513] {
        assert!(set.insert(id));
    }
    for id in [1, 2, 511, 512, 513, 1_000_000, -1, -512, -513] {
        assert!(set.contains(id), "{id}");
    }
    for id in [0, 3, 510, 514, 999_999, -2, -511] {
        assert!(!set.contains(id), "{id}");
    }
}

#[test]
fn a_full_bitmap_takes_ids_of_its_blocks_only() {
    let mut set = IdBitmap::with_max_blocks(MAX_CRM_BLOCKS);
    for block in 0..MAX_CRM_BLOCKS as i64 {
        assert!(set.insert(block * BLOCK_IDS));
    }
    assert!(set.insert(1), "block 0 exists");
    assert!(!set.insert(MAX_CRM_BLOCKS as i64 * BLOCK_IDS));
    assert!(!set.contains(MAX_CRM_BLOCKS as i64 * BLOCK_IDS));
}

#[test]
fn shorthand_ids_follow_the_table_and_earlier_session_lines() {
    let mut fast = FastShorthand::new(10);
    assert_eq!(fast.claim(100), Claim::Session(11));
    assert_eq!(fast.claim(101), Claim::Session(12));
    // A repeated chat is staged; its session is the one written first.
    assert_eq!(fast.claim(100), Claim::Staged);
    // An explicit session above every id handed out: later shorthand ids go above it.
    assert!(!fast.explicit_session(20));
    assert_eq!(fast.claim(102), Claim::Session(21));
    // Ids below: only those handed to shorthand sessions need a move.
    assert!(fast.explicit_session(12));
    assert!(!fast.explicit_session(15));
    assert!(!fast.explicit_session(5));
    assert!(fast.explicit_session(21));
    assert_eq!(fast.move_target(), Some(22));
    assert!(fast.explicit_session(22));
    assert_eq!(fast.claim(103), Claim::Session(23));
}

#[test]
fn ids_that_run_out_stage_every_later_shorthand() {
    let mut fast = FastShorthand::new(i64::MAX - 1);
    assert_eq!(fast.claim(1), Claim::Session(i64::MAX));
    assert_eq!(fast.claim(2), Claim::Staged);
    assert_eq!(fast.move_target(), None);
    assert!(fast.explicit_session(i64::MAX));
}

#[test]
fn crm_records_are_known_by_type() {
    let mut fast = FastShorthand::new(0);
    fast.add_crm("deal", 7);
    assert!(fast.has_crm("deal", 7));
    assert!(!fast.has_crm("lead", 7));
    assert!(!fast.has_crm("deal", 8));
}
