//! The port probe: one host, several port/security combinations tried in parallel with
//! staggered starts, greeting + EHLO + QUIT only (never a password). It recommends the
//! best-ranked combination that works as soon as that is certain, and keeps reporting the
//! others.

use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::check::{self, CheckOptions};
use crate::error::{ErrorCode, UserError};
use crate::observer::{Event, Observer};
use crate::ports::Security;
use crate::settings::SmtpSettings;
use crate::tls::Trust;
use crate::verdict::VerdictCode;

pub use crate::report::probe::{PortResult, PortState, ProbeCandidate, ProbeReport};

/// The usual candidates, best first (DESIGN.md §4): 465 encrypted from the start, 587 and
/// 2525 with STARTTLS, 25 with STARTTLS (reported as unencrypted when it is not offered).
pub fn default_candidates() -> Vec<ProbeCandidate> {
    vec![
        ProbeCandidate::new(465, Security::Tls),
        ProbeCandidate::new(587, Security::Starttls),
        ProbeCandidate::new(2525, Security::Starttls),
        ProbeCandidate::new(25, Security::Starttls),
    ]
}

/// Bounds of a probe. Defaults: connect 5 s, each reply 5 s, each port 15 s, 250 ms between
/// starts.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Bound for each connect.
    pub connect_timeout: Duration,
    /// Bound for each reply and handshake.
    pub command_timeout: Duration,
    /// Bound for each port.
    pub port_timeout: Duration,
    /// Delay between the starts of two candidates (staggered, to be gentle and so the
    /// best-ranked answers first).
    pub stagger: Duration,
    /// Trusted authorities; `None` means the platform's.
    pub trust: Option<Trust>,
    /// Return as soon as the recommendation is certain, cancelling the rest.
    pub stop_after_recommendation: bool,
    /// Cancelling it stops every port at once.
    pub cancel: CancellationToken,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            command_timeout: Duration::from_secs(5),
            port_timeout: Duration::from_secs(15),
            stagger: Duration::from_millis(250),
            trust: None,
            stop_after_recommendation: false,
            cancel: CancellationToken::new(),
        }
    }
}

fn ms(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// Probes `host` on each candidate (best first), in parallel with staggered starts; no
/// password is ever sent. The observer receives `ProbePort` for each port as it finishes and
/// one `ProbeRecommendation` as soon as the best-ranked working candidate is certain (every
/// better-ranked one has failed). Returns when every port has finished (or, with
/// `stop_after_recommendation`, when the recommendation is certain).
///
/// The discovery module calls it with its own candidates; tests use high loopback ports.
pub async fn probe(
    host: &str,
    candidates: &[ProbeCandidate],
    opts: &ProbeOptions,
    observer: &dyn Observer,
) -> Result<ProbeReport, UserError> {
    crate::settings::validate_host(host)
        .map_err(|m| UserError::new(ErrorCode::InvalidSettings, m, "Correct the server name."))?;
    if candidates.iter().any(|c| c.port == 0) {
        return Err(UserError::new(
            ErrorCode::InvalidSettings,
            "A port to try is 0, which no server listens on.",
            "Give ports from 1 to 65535, such as 587:starttls, or leave the ports out to try \
             the usual ones.",
        ));
    }
    let trust = match &opts.trust {
        Some(t) => t.clone(),
        None => Trust::platform(),
    };
    let start = Instant::now();
    let cancel = opts.cancel.child_token();
    let mut set = JoinSet::new();
    for (i, cand) in candidates.iter().copied().enumerate() {
        let settings = SmtpSettings {
            host: host.trim().to_owned(),
            port: cand.port,
            security: cand.security,
            username: None,
            from: "probe@portolan.invalid".into(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        };
        let copts = CheckOptions {
            connect_timeout: opts.connect_timeout,
            command_timeout: opts.command_timeout,
            total_timeout: opts.port_timeout,
            trust: Some(trust.clone()),
            ehlo_name: None,
            find_mismatch: true,
            cancel: cancel.child_token(),
            provider: None,
            find_provider: None,
            resolve: Vec::new(),
        };
        let delay = opts.stagger * u32::try_from(i).unwrap_or(u32::MAX);
        set.spawn(async move {
            tokio::select! {
                () = copts.cancel.cancelled() => {}
                () = tokio::time::sleep(delay) => {}
            }
            let began = Instant::now();
            let report = check::check(&settings, None, &copts, &()).await;
            (i, report, ms(began.elapsed()))
        });
    }

    let mut results: Vec<Option<PortResult>> = vec![None; candidates.len()];
    let mut recommended: Option<(usize, u32)> = None;
    loop {
        let joined = tokio::select! {
            biased;
            () = opts.cancel.cancelled() => break,
            j = set.join_next() => j,
        };
        let Some(joined) = joined else { break };
        let Ok((i, report, duration_ms)) = joined else {
            continue;
        };
        let result = match report {
            Ok(r) => to_result(candidates[i], &r, duration_ms),
            Err(e) => PortResult::new(
                candidates[i],
                PortState::Other,
                VerdictCode::NotSmtp,
                e.message,
                duration_ms,
            ),
        };
        observer.event(Event::ProbePort {
            result: result.clone(),
        });
        results[i] = Some(result);
        if recommended.is_none() {
            if let Some(best) = certain_best(&results) {
                let after = ms(start.elapsed());
                recommended = Some((best, after));
                observer.event(Event::ProbeRecommendation {
                    candidate: candidates[best],
                    after_ms: after,
                });
                if opts.stop_after_recommendation {
                    break;
                }
            }
        }
    }
    cancel.cancel();
    set.abort_all();

    let results: Vec<PortResult> = results
        .into_iter()
        .zip(candidates)
        .map(|(r, c)| {
            r.unwrap_or_else(|| {
                PortResult::new(
                    *c,
                    PortState::Cancelled,
                    VerdictCode::Cancelled,
                    "Not finished: the probe stopped first.".into(),
                    ms(start.elapsed()),
                )
            })
        })
        .collect();
    let rec = recommended.map(|(i, _)| candidates[i]);
    Ok(ProbeReport {
        host: host.trim().to_owned(),
        recommendation: recommendation_words(rec, &results),
        use_label: rec.map(|c| format!("Use port {} ({})", c.port, c.security.label())),
        used_note: rec.map(|c| {
            format!(
                "Port {} with \"{}\" chosen. Check these settings to go on.",
                c.port,
                c.security.label()
            )
        }),
        network_note: network_note(&results),
        next_steps: next_steps(rec, &results),
        recommended: rec,
        recommended_after_ms: recommended.map(|(_, a)| a),
        results,
        total_ms: ms(start.elapsed()),
    })
}

/// The best-ranked working candidate, once every better-ranked one has finished.
fn certain_best(results: &[Option<PortResult>]) -> Option<usize> {
    for (i, r) in results.iter().enumerate() {
        match r {
            None => return None,
            Some(r) if r.state == PortState::Works => return Some(i),
            Some(_) => {}
        }
    }
    None
}

fn to_result(c: ProbeCandidate, r: &check::Report, duration_ms: u32) -> PortResult {
    use VerdictCode as V;
    let auth = r
        .server
        .as_ref()
        .map(|s| s.auth_mechanisms.clone())
        .unwrap_or_default();
    let signin = if auth.is_empty() {
        "no sign-in offered".to_owned()
    } else {
        format!("sign-in offered ({})", auth.join(" "))
    };
    let (state, detail) = match r.verdict.code {
        V::Ok | V::OkWithoutAuth if c.security == Security::None => {
            (PortState::WorksUnencrypted, format!("Answers; {signin}."))
        }
        V::Ok | V::OkWithoutAuth => {
            let how = match c.security {
                Security::Tls => "Encrypted from the start",
                _ => "Upgrades with STARTTLS",
            };
            (
                PortState::Works,
                format!("{how}, trusted certificate; {signin}."),
            )
        }
        V::StarttlsNotOffered => (
            PortState::WorksUnencrypted,
            format!("Answers, but offers no encryption; {signin}."),
        ),
        V::ConnectionRefused => (
            PortState::Refused,
            "Nothing listens on this port.".to_owned(),
        ),
        V::ConnectTimeout => (PortState::NoAnswer, String::new()),
        V::SecurityMismatch => {
            if r.steps.iter().any(|s| s.stage == check::Stage::Greeting) {
                (
                    PortState::SpeaksTlsFirst,
                    format!("Choose \"{}\" for this port.", Security::Tls.label()),
                )
            } else {
                (
                    PortState::SpeaksPlain,
                    format!("Choose \"{}\" for this port.", Security::Starttls.label()),
                )
            }
        }
        V::CertUntrusted | V::CertExpired | V::CertNameMismatch => {
            (PortState::CertProblem, r.verdict.title.clone())
        }
        V::NotSmtp | V::GreetingTimeout => (
            PortState::NotSmtp,
            "Something answers, but not a mail server.".to_owned(),
        ),
        V::ServerBusy | V::GreetingRefused => (
            PortState::Busy,
            "Answers, but is busy or refuses this computer.".to_owned(),
        ),
        V::Cancelled => (PortState::Cancelled, String::new()),
        _ => (PortState::Other, r.verdict.title.clone()),
    };
    PortResult {
        auth_mechanisms: auth,
        tls: r.tls.clone(),
        ..PortResult::new(c, state, r.verdict.code, detail, duration_ms)
    }
}

fn recommendation_words(rec: Option<ProbeCandidate>, results: &[PortResult]) -> String {
    match rec {
        Some(c) => {
            let both = c.port == 465
                && results
                    .iter()
                    .any(|r| r.candidate.port == 587 && r.state == PortState::Works);
            let mut s = format!("Use port {} with \"{}\".", c.port, c.security.label());
            if both {
                s.push_str(
                    " Port 587 works too; 465 is proposed because the connection is \
                     encrypted from the first byte.",
                );
            }
            s.push(' ');
            s.push_str(crate::diagnose::CHECKED_HERE);
            s
        }
        None if results
            .iter()
            .any(|r| r.state == PortState::WorksUnencrypted) =>
        {
            "No port offers encryption from this computer. Only unencrypted sending answered; \
             Portolan does not recommend it for a password."
                .into()
        }
        None => "No port works from this computer.".into(),
    }
}

/// What to do when no port works (nothing when one does, or when the user stopped the probe).
fn next_steps(rec: Option<ProbeCandidate>, results: &[PortResult]) -> Vec<String> {
    if rec.is_some() || results.iter().any(|r| r.state == PortState::Cancelled) {
        return vec![];
    }
    [
        "Try again from another network, such as a phone's hotspot: many home, office and \
         hotel networks block the ports used to send mail.",
        "Look at your provider's help page about sending mail from apps (often called \
         \"SMTP settings\"): it names the server and the port to use.",
        "If your provider does not let apps send mail, a sending service (such as Brevo, \
         Mailgun, Postmark or SMTP2GO) gives you a server and a port that work from anywhere.",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn network_note(results: &[PortResult]) -> Option<String> {
    let silent: Vec<String> = results
        .iter()
        .filter(|r| r.state == PortState::NoAnswer)
        .map(|r| r.candidate.port.to_string())
        .collect();
    let answered: Vec<String> = results
        .iter()
        .filter(|r| !matches!(r.state, PortState::NoAnswer | PortState::Cancelled))
        .map(|r| r.candidate.port.to_string())
        .collect();
    if silent.is_empty() {
        if !results.is_empty() && results.iter().all(|r| r.state == PortState::Refused) {
            return Some(
                "The server refuses every mail port: it is probably not the server for \
                 sending mail. Check the server name."
                    .into(),
            );
        }
        return None;
    }
    if answered.is_empty() {
        return Some(format!(
            "No port answered ({}). The server name may be wrong or the server down, or your \
             network blocks outgoing mail ports: try another network (a phone's hotspot, for \
             example).",
            silent.join(", ")
        ));
    }
    let (ports, it) = if silent.len() > 1 {
        ("Ports", "them")
    } else {
        ("Port", "it")
    };
    Some(format!(
        "{ports} {} gave no answer while {} answered. Usually that means the server does not \
         offer {it}: some servers stay silent on ports they do not use instead of refusing. \
         Less often, your network (or a firewall on this computer) blocks {it}: if your \
         provider lists {it}, try from another network.",
        join_words(&silent),
        join_words(&answered),
    ))
}

fn join_words(v: &[String]) -> String {
    match v {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(port: u16, state: PortState) -> PortResult {
        PortResult::new(
            ProbeCandidate::new(port, Security::Starttls),
            state,
            VerdictCode::Ok,
            String::new(),
            0,
        )
    }

    #[test]
    fn a_port_result_says_its_state_first_then_the_rest_once() {
        let r = PortResult::new(
            ProbeCandidate::new(25, Security::Starttls),
            PortState::Refused,
            VerdictCode::ConnectionRefused,
            "Nothing listens on this port.".into(),
            3,
        );
        assert_eq!(r.state_label, "Refused");
        assert_eq!(r.detail, "Nothing listens on this port.");
        assert_eq!(r.summary, "Refused: nothing listens on this port.");
        let silent = result(465, PortState::NoAnswer);
        assert_eq!(silent.summary, "No answer (not offered, or blocked)");
        assert!(silent.detail.is_empty());
    }

    #[test]
    fn when_no_port_works_the_probe_says_what_to_do_next() {
        let refused = [
            result(465, PortState::Refused),
            result(587, PortState::Refused),
        ];
        let steps = next_steps(None, &refused);
        assert_eq!(steps.len(), 3);
        assert!(steps[0].contains("another network"), "{}", steps[0]);
        assert!(steps[1].contains("provider's help page"), "{}", steps[1]);
        assert!(steps[2].contains("sending service"), "{}", steps[2]);
        let works = ProbeCandidate::new(465, Security::Tls);
        assert!(next_steps(Some(works), &refused).is_empty());
        let stopped = [result(465, PortState::Cancelled)];
        assert!(next_steps(None, &stopped).is_empty());
    }

    #[test]
    fn silent_ports_next_to_an_answering_one_are_usually_not_offered() {
        let note = network_note(&[
            result(465, PortState::Works),
            result(587, PortState::NoAnswer),
            result(25, PortState::NoAnswer),
        ])
        .unwrap();
        assert!(
            note.contains("Ports 587 and 25 gave no answer while 465 answered"),
            "{note}"
        );
        let offered = note.find("does not offer them").unwrap();
        let blocked = note.find("blocks them").unwrap();
        assert!(offered < blocked, "the likelier reason first: {note}");
        let all = network_note(&[result(465, PortState::NoAnswer)]).unwrap();
        assert!(all.contains("No port answered"));
        assert_eq!(network_note(&[result(465, PortState::Works)]), None);
    }

    #[test]
    fn recommendation_waits_for_better_ranked_ports() {
        let pending = [None, Some(result(587, PortState::Works))];
        assert_eq!(certain_best(&pending), None);
        let done = [
            Some(result(465, PortState::Refused)),
            Some(result(587, PortState::Works)),
            None,
        ];
        assert_eq!(certain_best(&done), Some(1));
    }

    #[test]
    fn both_submission_ports_working_proposes_465_and_says_why() {
        let mut a = result(465, PortState::Works);
        a.candidate.security = Security::Tls;
        let words = recommendation_words(
            Some(a.candidate),
            &[a.clone(), result(587, PortState::Works)],
        );
        assert!(
            words.contains("465") && words.contains("587 works too"),
            "{words}"
        );
        assert!(words.contains("checked from this computer"), "{words}");
    }
}
