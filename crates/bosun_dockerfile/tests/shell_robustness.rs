//! Odd input never panics: random Dockerfiles made of shell and Dockerfile punctuation
//! go through the parser, the model, variable expansion and the RUN command view.

use bosun_dockerfile::expand::{Lexer, VarMap};
use bosun_dockerfile::model::Model;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = (self.next() % items.len() as u64) as usize;
        items.get(i).copied().unwrap_or("")
    }
}

const PIECES: &[&str] = &[
    "RUN ",
    "FROM ",
    "ARG ",
    "ENV ",
    "USER ",
    "WORKDIR ",
    "SHELL [\"bash\",\"-c\"]",
    "COPY --from=",
    "ONBUILD RUN ",
    "\n",
    "\\\n",
    " ",
    "&&",
    "||",
    "|",
    ";",
    "(",
    ")",
    "{",
    "}",
    "$(",
    "`",
    "'",
    "\"",
    "$",
    "${",
    ":-",
    "#",
    "%",
    "/",
    "<<EOF\n",
    "EOF\n",
    "<<-'X'\n",
    "X\n",
    "sudo ",
    "sh -c ",
    "apt-get install -y ",
    "a",
    "b=c",
    "\t",
    "é",
    "\u{feff}",
    "[\"a\"]",
    "--mount=type=cache,from=x ",
    "AS x",
    "if ",
    "then ",
    "fi",
    "for i in ",
    "do ",
    "done",
    "case ",
    " in ",
    "esac",
    "*)",
    ";;",
];

#[test]
fn random_dockerfiles_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let lexer = Lexer::default();
    let env = VarMap::from_assignments(["a=1", "b="]);
    let mut commands = 0usize;
    for _ in 0..1500 {
        let len = 1 + (rng.next() % 60) as usize;
        let mut src = String::new();
        for _ in 0..len {
            src.push_str(rng.pick(PIECES));
        }
        let _ = lexer.process_word_with_matches(&src, &env);
        let _ = lexer.process_words(&src, &env);
        let df = bosun_dockerfile::parse(&src);
        let model = Model::new(&df);
        for i in 0..df.instructions.len() {
            let _ = model.env_at(i);
            let _ = model.user_at(i).is_root();
            for run in model.runs_at(i) {
                for c in run.commands() {
                    commands += 1;
                    for r in std::iter::once(c.range).chain(c.args.iter().map(|a| a.range)) {
                        assert!(
                            r.start <= r.end && r.end <= df.source.len(),
                            "range in source"
                        );
                    }
                }
            }
        }
    }
    assert!(
        commands > 100,
        "the generator should produce commands, got {commands}"
    );
}
