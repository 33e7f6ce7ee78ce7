//! Prints the validation verdict of every JSON-LD/XML document under a directory (a developer
//! tool: `cargo run -p nooluur-epcis --example validate_dir -- DIR`).

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut files = Vec::new();
    walk(std::path::Path::new(&dir), &mut files);
    files.sort();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let violations = match epcis::Format::sniff(&bytes) {
            epcis::Format::JsonLd => match serde_json::from_slice(&bytes) {
                Ok(v) => epcis::validate::validate_json_document(&v),
                Err(e) => {
                    println!("{}: not JSON: {e}", f.display());
                    continue;
                }
            },
            epcis::Format::Xml => match epcis::xml::parse_document(&bytes) {
                Ok(d) => epcis::validate::validate_document(&d),
                Err(e) => {
                    println!("{}: {e}", f.display());
                    continue;
                }
            },
        };
        println!("{}: {} violation(s)", f.display(), violations.len());
        for v in violations.iter().take(5) {
            println!("    {v}");
        }
    }
}

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("jsonld" | "json" | "xml")
        ) {
            out.push(p);
        }
    }
}
