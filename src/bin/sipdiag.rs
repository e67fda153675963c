//! `sipdiag`: the native command line tool. See `sipdiag --help` and src/cli.rs.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = sipdiag::cli::run(
        &args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
