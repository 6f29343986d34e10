//! The TypeScript types of everything the app's commands take and return, generated from the
//! Rust types with ts-rs into `ui/src/lib/bindings.ts`. A test fails when that file is stale;
//! `make bindings` (or `UPDATE_BINDINGS=1 cargo test -p portolan-core bindings`) rewrites it.

use ts_rs::{Config, TS};

/// Appends the declaration of each listed type.
macro_rules! declare {
    ($cfg:expr, $out:expr, $($ty:ty),+ $(,)?) => {
        $( $out.push_str(&format!("export {}\n\n", <$ty as TS>::decl($cfg))); )+
    };
}

/// The whole generated file.
pub fn typescript() -> String {
    let cfg = Config::default();
    let mut out = String::from(
        "// Generated from the Rust types of portolan-core by ts-rs. Do not edit by hand:\n\
         // run `make bindings` after changing a type.\n\n",
    );
    declare!(
        &cfg,
        out,
        crate::error::ErrorCode,
        crate::error::UserError,
        crate::ports::Security,
        crate::ports::SecurityOption,
        crate::ports::PortInfo,
        crate::ports::PortGuide,
        crate::settings::CertException,
        crate::settings::SmtpSettings,
        crate::settings::FieldError,
        crate::transcript::Direction,
        crate::transcript::TranscriptLine,
        crate::verdict::VerdictCode,
        crate::verdict::FixKind,
        crate::verdict::SettingsPatch,
        crate::verdict::Fix,
        crate::verdict::Verdict,
        crate::check::Stage,
        crate::check::StepStatus,
        crate::check::Step,
        crate::check::ServerInfo,
        crate::tls::CertSummary,
        crate::tls::TlsInfo,
        crate::report::ArrivalQuestion,
        crate::send::SentInfo,
        crate::delivery::spf::SpfResult,
        crate::delivery::Authorisation,
        crate::delivery::SenderCheck,
        crate::delivery::HelpStep,
        crate::delivery::DeliveryHelp,
        crate::check::Report,
        crate::probe::ProbeCandidate,
        crate::probe::PortState,
        crate::probe::PortResult,
        crate::probe::ProbeReport,
        crate::observer::Event,
        crate::about::ComponentKind,
        crate::about::Component,
        crate::about::LicenceText,
        crate::about::DataNotice,
        crate::about::About,
        crate::discover::catalogue::ProviderKind,
        crate::discover::catalogue::UsernameRule,
        crate::discover::catalogue::NoteKind,
        crate::discover::catalogue::FactOrigin,
        crate::discover::catalogue::FactSource,
        crate::discover::catalogue::PolicyNote,
        crate::discover::catalogue::Note,
        crate::discover::catalogue::ServerEntry,
        crate::discover::catalogue::Provider,
        crate::discover::catalogue::SendingService,
        crate::discover::catalogue::ProviderNotes,
        crate::discover::SourceKind,
        crate::discover::Confidence,
        crate::discover::Candidate,
        crate::discover::SourceStatus,
        crate::discover::SourceReport,
        crate::discover::EgressKind,
        crate::discover::Egress,
        crate::discover::Discovery,
        crate::discover::DiscoverEvent,
        crate::profiles::Profile,
        crate::profiles::NoticeCode,
        crate::profiles::ProfileNotice,
        crate::profiles::ProfileList,
        crate::profiles::ListedProfile,
        crate::profiles::ProfileListing,
        crate::profiles::DeleteOutcome,
        crate::export::FormatId,
        crate::export::FormatGroup,
        crate::export::FormatInfo,
        crate::export::FormatGroupInfo,
        crate::export::Exported,
        crate::export::CopyOutcome,
        crate::export::HostCheckStamp,
        crate::requests::DiscoverArgs,
        crate::requests::AddressArgs,
        crate::requests::CheckArgs,
        crate::requests::SendTestArgs,
        crate::requests::DeliveryHelpArgs,
        crate::requests::ProviderNotesArgs,
        crate::requests::ProbeArgs,
        crate::requests::CancelArgs,
        crate::requests::OpenPageArgs,
        crate::requests::CopyTextArgs,
        crate::requests::ProfileSaveArgs,
        crate::requests::ProfileRenameArgs,
        crate::requests::ProfileDuplicateArgs,
        crate::requests::ProfileDeleteArgs,
        crate::requests::ImportArgs,
        crate::requests::ExportPreviewArgs,
        crate::requests::ExportCopyArgs,
        crate::requests::ReportArgs,
        crate::report::Detail,
        crate::words::Phrases,
    );
    // The one sentence the window shows for a rejection that is not a UserError (the IPC layer
    // refusing a call): the core's too.
    out.push_str(&format!(
        "/** What the window shows when a command fails without a UserError. */\n\
         export const UNEXPECTED_ERROR: UserError = {};\n\n",
        serde_json::to_string(&crate::error::UserError::from(
            crate::error::FaceError::Unexpected
        ))
        .unwrap_or_default()
    ));
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_file_is_up_to_date() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
        let want = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/lib/bindings.ts is stale: run `make bindings` and commit the result"
        );
    }
}
