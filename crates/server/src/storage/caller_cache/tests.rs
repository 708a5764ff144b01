use super::*;

fn cache_with(user_id: i64, version: i64) -> CallerCache<&'static str> {
    let cache = CallerCache::new();
    cache.keep(
        user_id,
        Kept {
            version,
            rows: Arc::from(vec!["hook"]),
        },
    );
    cache
}

#[tokio::test]
async fn kept_rows_serve_only_read_only_requests() {
    let cache = cache_with(7, 40);
    assert!(cache.take_for_request(7).is_none(), "outside a request");
    let (rows, check) = run_checked(async { cache.take_for_request(7) }).await;
    assert_eq!(rows.as_deref(), Some(&["hook"][..]));
    assert_eq!(
        check,
        Check::Unconfirmed {
            user_id: 7,
            version: 40
        }
    );
    let (rows, check) = run_checked(async { cache.take_for_request(8) }).await;
    assert!(rows.is_none());
    assert_eq!(check, Check::Unused);
}

#[tokio::test]
async fn a_statement_confirms_the_kept_version_or_marks_the_request_stale() {
    let cache = cache_with(7, 40);
    let (confirmed, check) = run_checked(async {
        cache.take_for_request(7);
        (to_confirm(), settle(Some(40)), to_confirm())
    })
    .await;
    assert_eq!(confirmed, (Some((7, 40)), true, None));
    assert_eq!(check, Check::Confirmed);
    for read in [Some(41), None] {
        let (settled, check) = run_checked(async {
            cache.take_for_request(7);
            settle(read)
        })
        .await;
        assert!(!settled);
        assert_eq!(check, Check::Stale { user_id: 7 });
    }
}

#[tokio::test]
async fn nothing_to_confirm_when_no_kept_rows_were_used() {
    let (settled, check) = run_checked(async { settle(None) }).await;
    assert!(settled);
    assert_eq!(check, Check::Unused);
    assert!(settle(Some(1)), "outside a request");
}

#[test]
fn forgotten_rows_are_read_afresh_and_the_cache_starts_over_when_full() {
    let cache = cache_with(7, 40);
    cache.forget(7);
    assert!(cache.by_user.lock().unwrap().is_empty());
    for user in 0..MAX_USERS as i64 {
        cache.keep(
            user,
            Kept {
                version: 1,
                rows: Arc::from(vec!["hook"]),
            },
        );
    }
    assert_eq!(cache.by_user.lock().unwrap().len(), MAX_USERS);
    cache.keep(
        -1,
        Kept {
            version: 1,
            rows: Arc::from(vec!["hook"]),
        },
    );
    assert_eq!(cache.by_user.lock().unwrap().len(), 1);
}
