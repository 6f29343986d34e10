//! Ranking and de-duplication: the most trusted source first, the provider's or publisher's
//! own order within a source, unencrypted servers last; one entry per (host, port, security)
//! that remembers every source that proposed it.

use super::model::{Candidate, SourceKind};
use crate::ports::Security;

/// Sorts and merges the candidates; stable, so each source's own order is kept.
pub fn rank(mut all: Vec<Candidate>) -> Vec<Candidate> {
    all.sort_by_key(|c| {
        (
            c.security == Security::None,
            c.source.rank(),
            guess_order(c),
        )
    });
    let mut out: Vec<Candidate> = Vec::with_capacity(all.len());
    for c in all {
        let key = |x: &Candidate| {
            (
                x.host.trim_end_matches('.').to_ascii_lowercase(),
                x.port,
                x.security,
            )
        };
        if let Some(kept) = out.iter_mut().find(|k| key(k) == key(&c)) {
            if kept.source != c.source && !kept.also_from.contains(&c.source) {
                kept.also_from.push(c.source);
            }
            kept.confirmed |= c.confirmed;
            if kept.username.is_none() && kept.username_hint.is_none() {
                kept.username = c.username;
            }
            if kept.help_url.is_none() {
                kept.help_url = c.help_url;
            }
            if kept.provider_name.is_none() {
                kept.provider_name = c.provider_name;
                kept.provider_id = c.provider_id;
            }
            for n in c.notes {
                if !kept.notes.contains(&n) {
                    kept.notes.push(n);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Guesses arrive in the order their probes finish; rank them in the order they are tried
/// (`smtp.`, `mail.`, the bare domain). Zero for every other source, whose order is kept.
fn guess_order(c: &Candidate) -> u8 {
    if c.source != SourceKind::Guess || c.host.starts_with("smtp.") {
        0
    } else if c.host.starts_with("mail.") {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::Confidence;

    fn cand(host: &str, port: u16, security: Security, source: SourceKind) -> Candidate {
        Candidate::new(host, port, security, source, Confidence::Normal)
    }

    #[test]
    fn most_trusted_source_wins_and_duplicates_merge() {
        let ranked = rank(vec![
            cand("smtp.example.com", 465, Security::Tls, SourceKind::Guess),
            cand(
                "plain.example.com",
                25,
                Security::None,
                SourceKind::Autoconfig,
            ),
            cand("SMTP.example.com.", 465, Security::Tls, SourceKind::Srv),
            cand("mx.example.com", 587, Security::Starttls, SourceKind::Ispdb),
            cand(
                "a.example.com",
                587,
                Security::Starttls,
                SourceKind::Autoconfig,
            ),
            cand("b.example.com", 465, Security::Tls, SourceKind::Autoconfig),
        ]);
        let hosts: Vec<_> = ranked.iter().map(|c| c.host.as_str()).collect();
        assert_eq!(
            hosts,
            [
                "a.example.com",
                "b.example.com",
                "SMTP.example.com.",
                "mx.example.com",
                "plain.example.com"
            ]
        );
        assert_eq!(ranked[2].also_from, [SourceKind::Guess]);
    }

    #[test]
    fn guesses_rank_in_the_order_they_are_tried_not_the_order_they_answer() {
        let ranked = rank(vec![
            cand("example.com", 465, Security::Tls, SourceKind::Guess),
            cand("mail.example.com", 465, Security::Tls, SourceKind::Guess),
            cand(
                "smtp.example.com",
                587,
                Security::Starttls,
                SourceKind::Guess,
            ),
        ]);
        let hosts: Vec<_> = ranked.iter().map(|c| c.host.as_str()).collect();
        assert_eq!(
            hosts,
            ["smtp.example.com", "mail.example.com", "example.com"]
        );
    }
}
