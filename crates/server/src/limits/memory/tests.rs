use super::*;

#[tokio::test]
async fn budget_slides_out_after_the_window() {
    let state = MemoryState::default();
    let config = OperatingConfig {
        limit_seconds: 1.0,
        window_seconds: 600,
    };
    let usage = state.add("k", 1000.5, 2.0, config).await.unwrap();
    assert_eq!(usage.used, 2.0);
    assert_eq!(usage.reset_at, Some(1600));
    assert_eq!(state.used("k", 1500.0, config).await.unwrap().used, 2.0);
    assert_eq!(state.used("k", 1700.0, config).await.unwrap().used, 0.0);
}

const WINDOW: OperatingConfig = OperatingConfig {
    limit_seconds: 480.0,
    window_seconds: 600,
};

#[tokio::test]
async fn calls_in_one_minute_share_it_and_the_oldest_minute_sets_the_reset() {
    let state = MemoryState::default();
    // 419 s is minute 6, 420 s and 479.5 s are minute 7.
    state.add("k", 419.0, 1.0, WINDOW).await.unwrap();
    state.add("k", 420.0, 2.0, WINDOW).await.unwrap();
    let usage = state.add("k", 479.5, 0.5, WINDOW).await.unwrap();
    assert_eq!(
        usage,
        Usage {
            used: 3.5,
            reset_at: Some(1019)
        }
    );
    let minutes: Vec<(i64, f64, f64)> = state.budgets.lock().unwrap()["k"]
        .iter()
        .map(|m| (m.minute, m.first_call, m.seconds))
        .collect();
    assert_eq!(minutes, [(6, 419.0, 1.0), (7, 420.0, 2.5)]);
}

#[tokio::test]
async fn a_minute_leaves_the_window_exactly_when_the_window_has_passed_it() {
    let state = MemoryState::default();
    state.add("k", 419.0, 1.0, WINDOW).await.unwrap();
    state.add("k", 420.0, 2.0, WINDOW).await.unwrap();
    let used = |now| {
        let state = &state;
        async move { state.used("k", now, WINDOW).await.unwrap() }
    };
    assert_eq!(
        used(959.9).await,
        Usage {
            used: 3.0,
            reset_at: Some(1019)
        }
    );
    // From 960 s the window (600 s back) starts in minute 6, which is then dropped whole;
    // minute 7 stays until 1020 s.
    assert_eq!(
        used(960.0).await,
        Usage {
            used: 2.0,
            reset_at: Some(1020)
        }
    );
    assert_eq!(
        used(1080.0).await,
        Usage {
            used: 0.0,
            reset_at: None
        }
    );
    assert_eq!(
        state.used("never", 1000.0, WINDOW).await.unwrap(),
        Usage {
            used: 0.0,
            reset_at: None
        }
    );
}

#[tokio::test]
async fn many_keys_sweep_out_the_drained_buckets_only_above_the_threshold() {
    let state = MemoryState::default();
    let config = BucketConfig {
        capacity: 5.0,
        drain_per_second: 2.0,
    };
    for i in 0..SWEEP_ABOVE - 1 {
        assert!(state.take(&format!("old{i}"), 0.0, config).await.unwrap());
    }
    let count = || state.buckets.lock().unwrap().len();
    // Drained to exactly empty by 10.25 s.
    state.take("mid", 9.75, config).await.unwrap();
    assert_eq!(count(), SWEEP_ABOVE);
    state.take("fresh", 10.0, config).await.unwrap();
    assert_eq!(count(), SWEEP_ABOVE + 1, "no sweep at the threshold");
    state.take("trigger", 10.25, config).await.unwrap();
    let mut kept: Vec<String> = state.buckets.lock().unwrap().keys().cloned().collect();
    kept.sort();
    assert_eq!(kept, ["fresh", "trigger"]);
}

#[tokio::test]
async fn many_keys_sweep_out_the_spent_budgets_only_above_the_threshold() {
    let state = MemoryState::default();
    for i in 0..SWEEP_ABOVE {
        state
            .add(&format!("old{i}"), 0.0, 1.0, WINDOW)
            .await
            .unwrap();
    }
    let count = || state.budgets.lock().unwrap().len();
    state.add("kept", 650.0, 1.0, WINDOW).await.unwrap();
    assert_eq!(count(), SWEEP_ABOVE + 1, "no sweep at the threshold");
    state.add("zero", 700.0, 0.0, WINDOW).await.unwrap();
    let mut kept: Vec<String> = state.budgets.lock().unwrap().keys().cloned().collect();
    kept.sort();
    assert_eq!(kept, ["kept", "zero"]);
}
