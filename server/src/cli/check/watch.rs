//! `check --watch`: check, then check again whenever a document under the
//! checked paths changes, until interrupted.
//!
//! The watcher is set up before the first check, so a change made once the
//! first report is out is never missed. A burst of events (an editor's
//! save is often a write, a rename and a metadata change) gives one check:
//! after the first relevant event, events are gathered until none came for
//! [`QUIET`]. Only the documents specls reads count (and `specls.toml`);
//! the report's own `--output-file` and `--write-baseline` do not, or each
//! check would start the next.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use notify::{EventKind, RecursiveMode, Watcher as _};

use super::{CheckOptions, ExitCode};

/// How long the files must stay still before a burst of changes is checked.
const QUIET: Duration = Duration::from_millis(150);

/// Run `check` once, then once per change, forever; returns only on an
/// error of the watcher itself.
pub fn run(options: &CheckOptions, check: fn(&CheckOptions) -> Result<ExitCode>) -> Result<ExitCode> {
    let (sender, events) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        // The receiver is gone only when `run` returned.
        let _ = sender.send(event);
    })
    .context("cannot watch for changes")?;
    for path in &options.paths {
        let (watched, mode) = match path.is_file() {
            // Editors save by writing a new file and renaming it over the
            // old one, which ends a watch on the file itself.
            true => (
                path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")),
                RecursiveMode::NonRecursive,
            ),
            false => (path.as_path(), RecursiveMode::Recursive),
        };
        watcher.watch(watched, mode).with_context(|| format!("cannot watch {}", path.display()))?;
    }
    let ignored = own_outputs(options);
    loop {
        if let Err(err) = check(options) {
            eprintln!("specls: error: {err:#}");
        }
        if !options.quiet {
            eprintln!("specls: watching for changes (Ctrl-C to stop)");
        }
        wait_for_change(&events, &ignored)?;
    }
}

/// The files `check` itself writes, as absolute paths.
fn own_outputs(options: &CheckOptions) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_default();
    [&options.output_file, &options.write_baseline].into_iter().flatten().map(|p| cwd.join(p)).collect()
}

/// Block until a relevant change, then until the files are quiet.
fn wait_for_change(events: &Receiver<notify::Result<notify::Event>>, ignored: &[PathBuf]) -> Result<()> {
    loop {
        let Ok(event) = events.recv() else { bail!("the file watcher stopped") };
        if is_relevant(&event, ignored) {
            break;
        }
    }
    loop {
        match events.recv_timeout(QUIET) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return Ok(()),
            Err(RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
        }
    }
}

/// Whether an event may change the report: a document or a configuration
/// file created, changed or removed. A watcher error (events lost) counts:
/// checking again is the safe answer.
fn is_relevant(event: &notify::Result<notify::Event>, ignored: &[PathBuf]) -> bool {
    let Ok(event) = event else { return true };
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|path| is_checked_file(path) && !ignored.iter().any(|own| own == path))
}

/// A file `check` reads: markdown, a YAML or JSON contract, `specls.toml`.
fn is_checked_file(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    // `--fix`'s temporary files (`.tasks.md.XXXX.specls-fix`) and editors'
    // hidden swap files are not documents.
    if name.starts_with('.') {
        return false;
    }
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    matches!(extension.as_str(), "md" | "markdown" | "yaml" | "yml" | "json") || name == "specls.toml"
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};

    fn event(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn only_changes_to_documents_and_configuration_count() {
        let modify = EventKind::Modify(ModifyKind::Any);
        let none: &[PathBuf] = &[];
        assert!(is_relevant(&event(modify, "/r/specs/001-a/tasks.md"), none));
        assert!(is_relevant(
            &event(EventKind::Create(CreateKind::File), "/r/specs/001-a/contracts/api.yaml"),
            none
        ));
        assert!(is_relevant(&event(modify, "/r/specls.toml"), none));
        assert!(!is_relevant(&event(EventKind::Access(AccessKind::Any), "/r/specs/001-a/tasks.md"), none));
        assert!(!is_relevant(&event(modify, "/r/specs/001-a/.tasks.md.x1y2.specls-fix"), none));
        assert!(!is_relevant(&event(modify, "/r/specs/001-a/notes.txt"), none));
        let own = [PathBuf::from("/r/report.json")];
        assert!(!is_relevant(&event(modify, "/r/report.json"), &own));
        assert!(is_relevant(&Err(notify::Error::generic("events lost")), none));
    }
}
