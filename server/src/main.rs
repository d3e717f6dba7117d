//! The `specls` binary: argument parsing only; the work is in `specls::cli`
//! and `specls::lsp`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use specls::cli;

#[derive(Parser)]
#[command(name = "specls", version, about = "Language server and checker for Spec Kit feature folders")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the parsed model of one document.
    Dump {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = DumpFormat::Json)]
        format: DumpFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DumpFormat {
    Json,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Some(Command::Dump { file, format: DumpFormat::Json }) => {
            cli::dump::run(&file).map(|()| cli::exit::OK)
        }
        None => {
            eprintln!("specls: the language server is not built yet; try `specls --help`");
            Ok(cli::exit::FAILURE)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            eprintln!("specls: {err:#}");
            ExitCode::from(cli::exit::FAILURE as u8)
        }
    }
}
