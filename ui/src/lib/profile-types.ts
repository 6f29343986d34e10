// The profile, export and import shapes, from the generated bindings.
export type {
  CopyOutcome,
  DeleteOutcome,
  Exported,
  FormatGroupInfo,
  FormatId,
  FormatInfo,
  ListedProfile,
  Profile,
  ProfileListing,
  ProfileNotice,
} from "./bindings";
