//! The signals that stop `serve` and `worker` gracefully: SIGTERM (what
//! an orchestrator sends) and SIGINT (Ctrl-C).

/// Resolves when SIGTERM or SIGINT arrives.
pub async fn signal() {
    let interrupt = async {
        // Without a handler the default action (exit) stays in place.
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
