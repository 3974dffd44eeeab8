//! Shutdown: SIGTERM or Ctrl-C stops a role, which then finishes its work in hand.

use std::future::Future;
use tokio_util::sync::CancellationToken;

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Runs `work` until it ends or a signal arrives; on a signal, cancels `shutdown` and waits
/// for `work` to finish. `shutdown` is cancelled at the end either way, so that whatever
/// else the role runs stops too.
pub async fn run_until_signal<E>(
    shutdown: CancellationToken,
    work: impl Future<Output = Result<(), E>>,
) -> Result<(), E> {
    tokio::pin!(work);
    let result = tokio::select! {
        r = &mut work => r,
        _ = shutdown_signal() => {
            tracing::info!("shutdown requested");
            shutdown.cancel();
            work.await
        }
    };
    shutdown.cancel();
    result
}
