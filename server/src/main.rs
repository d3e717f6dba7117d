//! The `specls` binary: argument parsing only; the work is in `specls::cli`
//! (and, through `cli::serve`, the language server).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use specls::cli::{self, exit};

#[derive(Parser)]
#[command(
    name = "specls",
    version,
    about = "Language server and checker for Spec Kit feature folders",
    after_help = "Without a command, specls serves the language server over stdio."
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Serve over stdin/stdout (accepted because editors pass it).
    #[arg(long)]
    stdio: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Check feature folders (a repo root, a specs/ folder, feature folders or files).
    #[command(after_help = CHECK_EXIT_CODES)]
    Check(Box<CheckArgs>),
    /// Report across a feature's documents like /speckit.analyze: findings with stable IDs,
    /// requirement coverage, constitution issues, unmapped tasks, metrics.
    #[command(after_help = ANALYZE_EXIT_CODES)]
    Analyze {
        /// What to analyse [default: .]
        #[arg(default_value = ".", hide_default_value = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = AnalyzeFormat::Markdown)]
        format: AnalyzeFormat,
        /// Write the report to FILE instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output_file: Option<PathBuf>,
        /// Documents larger than this are reported ("file too large, not analysed"),
        /// not read [default: max-file-size in specls.toml, or 8MiB]
        #[arg(long, value_name = "SIZE", value_parser = size)]
        max_file_size: Option<u64>,
    },
    /// Print the dependency graph of one feature: edges, waves, critical path, ready set.
    Graph {
        /// A feature folder or its tasks.md.
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Documents larger than this are reported ("file too large, not analysed"),
        /// not read [default: max-file-size in specls.toml, or 8MiB]
        #[arg(long, value_name = "SIZE", value_parser = size)]
        max_file_size: Option<u64>,
    },
    /// Print the parsed model of one document.
    Dump {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = DumpFormat::Json)]
        format: DumpFormat,
        /// Documents larger than this are reported ("file too large, not analysed"),
        /// not read [default: max-file-size in specls.toml, or 8MiB]
        #[arg(long, value_name = "SIZE", value_parser = size)]
        max_file_size: Option<u64>,
    },
    /// List the rules, or print one rule's page.
    Rules {
        /// A rule's code.
        code: Option<String>,
    },
    /// Run the language server (the default).
    Serve {
        /// Serve over stdin/stdout (the only transport).
        #[arg(long)]
        stdio: bool,
    },
}

const CHECK_EXIT_CODES: &str = "\
Exit status:
  0  no finding fails the check (or --exit-zero)
  1  findings fail it: errors, warnings too with --strict, more than
     --max-warnings warnings; with --diff, some file would change
  2  usage error, unreadable input or a file --fix could not write";

const ANALYZE_EXIT_CODES: &str = "\
Exit status:
  0  the report has no CRITICAL finding
  1  some feature has a CRITICAL finding (constitution gate, no plan, unread file)
  2  usage error or unreadable input";

#[derive(clap::Args)]
struct CheckArgs {
    /// What to check [default: .]
    #[arg(default_value = ".", hide_default_value = true)]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// The configuration file [default: the nearest specls.toml upwards]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run only these rules.
    #[arg(long, value_name = "CODE,...", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules.
    #[arg(long, value_name = "CODE,...", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Documents larger than this are reported ("file too large, not analysed"),
    /// not read [default: max-file-size in specls.toml, or 8MiB]
    #[arg(long, value_name = "SIZE", value_parser = size)]
    max_file_size: Option<u64>,
    /// Apply the fixes marked safe, then report what remains. Writes go
    /// through a new temporary file renamed over the original; a symbolic
    /// link, a read-only file or a hard-linked file is reported and left
    /// alone (exit 2).
    #[arg(long, help_heading = "Fixes")]
    fix: bool,
    /// Print what --fix would change as a unified diff; write nothing.
    /// Exit 1 when some file would change, 0 when none would.
    #[arg(long, help_heading = "Fixes", conflicts_with_all = ["fix", "statistics", "write_baseline"])]
    diff: bool,
    /// With --fix or --diff, apply the unsafe fixes too.
    #[arg(long, help_heading = "Fixes")]
    unsafe_fixes: bool,
    /// Show each fix's edits; with --fix, what was fixed per rule.
    #[arg(long, help_heading = "Fixes")]
    show_fixes: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long, help_heading = "Output")]
    statistics: bool,
    /// Print the findings only: no summary, no notes.
    #[arg(short, long, help_heading = "Output")]
    quiet: bool,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    output_file: Option<PathBuf>,
    /// Colour the human report: auto honours NO_COLOR and CLICOLOR_FORCE.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN", help_heading = "Output")]
    color: ColorArg,
    /// Exit 0 even when findings fail the check.
    #[arg(short, long, help_heading = "Exit status")]
    exit_zero: bool,
    /// Warnings fail the check like errors.
    #[arg(long, help_heading = "Exit status")]
    strict: bool,
    /// Fail when there are more than N warnings.
    #[arg(long, value_name = "N", help_heading = "Exit status")]
    max_warnings: Option<usize>,
    /// Do not report the findings recorded in FILE (see --write-baseline).
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    baseline: Option<PathBuf>,
    /// Record every finding in FILE, for --baseline.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    write_baseline: Option<PathBuf>,
    /// Check again whenever a document under PATHS changes, until
    /// interrupted (Ctrl-C).
    #[arg(short, long, conflicts_with_all = ["fix", "diff", "write_baseline"])]
    watch: bool,
    /// Neither read nor write the results cache ($XDG_CACHE_HOME/specls).
    #[arg(long)]
    no_cache: bool,
}

impl CheckArgs {
    fn into_options(self) -> cli::check::CheckOptions {
        use cli::check::{CheckOptions, ExitPolicy, Format};
        let format = match self.format {
            CheckFormat::Human => Format::Human,
            CheckFormat::Concise => Format::Concise,
            CheckFormat::Json => Format::Json,
            CheckFormat::Sarif => Format::Sarif,
            CheckFormat::Github => Format::Github,
            CheckFormat::Gitlab => Format::Gitlab,
            CheckFormat::Junit => Format::Junit,
        };
        let color = match self.color {
            ColorArg::Auto => cli::ColorChoice::Auto,
            ColorArg::Always => cli::ColorChoice::Always,
            ColorArg::Never => cli::ColorChoice::Never,
        };
        CheckOptions {
            paths: self.paths,
            format,
            config: self.config,
            select: self.select,
            ignore: self.ignore,
            fix: self.fix,
            diff: self.diff,
            watch: self.watch,
            no_cache: self.no_cache,
            max_file_size: self.max_file_size,
            unsafe_fixes: self.unsafe_fixes,
            show_fixes: self.show_fixes,
            statistics: self.statistics,
            quiet: self.quiet,
            output_file: self.output_file,
            color,
            exit: ExitPolicy {
                exit_zero: self.exit_zero,
                strict: self.strict,
                max_warnings: self.max_warnings,
            },
            baseline: self.baseline,
            write_baseline: self.write_baseline,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// Each finding with its source line, then a summary.
    Human,
    /// One line per finding.
    Concise,
    Json,
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML test report.
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum AnalyzeFormat {
    /// Tables in /speckit.analyze's layout.
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DumpFormat {
    Json,
}

/// `--max-file-size`: `8MiB`, `512KiB`, `1000000`.
fn size(value: &str) -> Result<u64, String> {
    specls::analysis::parse_size(value)
        .ok_or_else(|| format!("`{value}` is not a size (bytes, or a number with KiB, MiB, GiB)"))
}

fn run(args: Args) -> anyhow::Result<cli::ExitCode> {
    match args.command {
        None => cli::serve::run(args.stdio),
        Some(Command::Serve { stdio }) => cli::serve::run(stdio || args.stdio),
        Some(Command::Check(args)) => cli::check::run(&args.into_options()),
        Some(Command::Analyze { paths, format, output_file, max_file_size }) => {
            let format = match format {
                AnalyzeFormat::Markdown => cli::analyze::AnalyzeFormat::Markdown,
                AnalyzeFormat::Json => cli::analyze::AnalyzeFormat::Json,
            };
            cli::analyze::run(&paths, format, max_file_size, output_file.as_deref())
        }
        Some(Command::Graph { path, format, max_file_size }) => {
            let format = match format {
                GraphFormat::Mermaid => cli::graph::GraphFormat::Mermaid,
                GraphFormat::Dot => cli::graph::GraphFormat::Dot,
                GraphFormat::Json => cli::graph::GraphFormat::Json,
            };
            cli::graph::run(&path, format, max_file_size)
        }
        Some(Command::Dump { file, format: DumpFormat::Json, max_file_size }) => {
            cli::dump::run(&file, max_file_size).map(|()| exit::OK)
        }
        Some(Command::Rules { code }) => cli::rules::run(code.as_deref()),
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // --help and --version print to stdout and succeed; a usage
            // mistake prints to stderr and exits 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { exit::FAILURE as u8 } else { exit::OK as u8 });
        }
    };
    // A bug must still end with exit 2 and a message, not a panic's 101.
    match std::panic::catch_unwind(|| run(args)) {
        Ok(Ok(code)) => ExitCode::from(code as u8),
        Ok(Err(err)) => {
            eprintln!("specls: error: {err:#}");
            ExitCode::from(exit::FAILURE as u8)
        }
        Err(_) => {
            eprintln!("specls: internal error (a bug in specls; please report it)");
            ExitCode::from(exit::FAILURE as u8)
        }
    }
}
