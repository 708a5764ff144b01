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
