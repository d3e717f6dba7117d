use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::spec::{StoryForm, UserStory};

declare_rule! {
    /// ## What it does
    /// Reports a user story of spec.md without a priority or without a
    /// Given/When/Then acceptance scenario.
    ///
    /// The priority is `(Priority: P1)` in the heading or a `**Priority**:`
    /// line. When a reported story also lacks an `**Independent Test**:`
    /// line, the finding says so.
    ///
    /// A scenario counts when it has two of Given, When and Then: real
    /// specs write "Given ..., when ..., the service returns ..." with the
    /// outcome but no Then. A spec with a single story needs no priority
    /// (there is nothing to order), nor does the old template's single
    /// `### Primary User Story`; stories written as items of a `## User
    /// Stories` list are one-line summaries and are not checked.
    ///
    /// ## Why is this bad?
    /// The priority decides the order of the story phases in tasks.md and
    /// which story is the MVP; the scenarios are what the story's tests
    /// verify. A story without them can be neither scheduled nor accepted.
    ///
    /// ## Example
    /// ```markdown
    /// ### User Story 2 - Revoke an invitation
    ///
    /// An admin can revoke a pending invitation.
    /// ```
    ///
    /// ## Fix
    /// Add `(Priority: P2)` to the heading and an `**Acceptance
    /// Scenarios**:` list (`1. **Given** ..., **When** ..., **Then** ...`).
    /// There is no quick fix.
    pub struct StoryMissingParts { code: "story-missing-parts", severity: Info }
}

impl Rule for StoryMissingParts {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, spec)) = cx.feature.spec() else { return };
        // With one story there is nothing to order.
        let several = spec.stories.len() > 1;
        for story in &spec.stories {
            if story.form == StoryForm::ListItem {
                continue;
            }
            let no_priority = several && story.form == StoryForm::Heading && story.priority.is_none();
            let no_scenario =
                !story.scenarios.iter().any(|s| u8::from(s.given) + u8::from(s.when) + u8::from(s.then) >= 2);
            let missing = match (no_priority, no_scenario) {
                (true, true) => "no priority and no Given/When/Then scenario",
                (true, false) => "no priority",
                (false, true) => "no Given/When/Then scenario",
                (false, false) => continue,
            };
            let mut message = format!("{} has {missing}", name(story));
            if story.form == StoryForm::Heading && story.independent_test.is_none() {
                message.push_str(" (nor an Independent Test)");
            }
            out.push(cx.report(Self::META.default_severity, file, story.heading, message));
        }
    }
}

fn name(story: &UserStory) -> String {
    match (story.number, story.form) {
        (Some(n), _) => format!("User Story {n}"),
        (None, StoryForm::Primary) => "the primary user story".to_string(),
        (None, _) => format!("story \"{}\"", story.title),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const HEAD: &str = "# Feature Specification: Invites\n\n## User Scenarios & Testing\n\n";

    #[test]
    fn fires_on_a_story_without_priority_or_scenario() {
        let spec = format!(
            "{HEAD}### User Story 1 - Send (Priority: P1)\n\n**Independent Test**: send one\n\n1. **Given** a team, **When** I invite, **Then** an email goes out\n\n### User Story 2 - Revoke\n\nAn admin revokes an invitation.\n\n### User Story 3 - Expire (Priority: P3)\n\n**Independent Test**: wait a week\n\n- Invitations expire after 7 days\n"
        );
        let found = check("story-missing-parts", &[("spec.md", &spec)]);
        assert_eq!(
            found,
            [
                "spec.md:11: User Story 2 has no priority and no Given/When/Then scenario (nor an Independent Test)",
                "spec.md:15: User Story 3 has no Given/When/Then scenario",
            ]
        );
    }

    #[test]
    fn a_priority_line_and_two_of_given_when_then_are_enough() {
        let spec = format!(
            "{HEAD}### User Story 1 - Send\n\n**Priority**: P1\n\n**Independent Test**: send one\n\n1. **Given** a team, **Then** I can invite\n\n### User Story 2 - Accept (Priority: P2)\n\n1. Given an invite, when I accept it, the team lists me\n"
        );
        assert!(check("story-missing-parts", &[("spec.md", &spec)]).is_empty());
    }

    #[test]
    fn a_single_story_needs_no_priority() {
        let spec = format!(
            "{HEAD}## User Story - Send\n\n1. **Given** a team, **When** I invite, **Then** mail goes out\n"
        );
        assert!(check("story-missing-parts", &[("spec.md", &spec)]).is_empty());
        let spec = format!("{HEAD}## User Story - Send\n\nAn admin sends invites.\n");
        assert_eq!(
            check("story-missing-parts", &[("spec.md", &spec)]),
            ["spec.md:5: story \"Send\" has no Given/When/Then scenario (nor an Independent Test)"]
        );
    }

    #[test]
    fn the_old_primary_story_needs_no_priority() {
        let spec = format!(
            "{HEAD}### Primary User Story\n\nAs an admin I invite people.\n\n### Acceptance Scenarios\n\n1. **Given** a team, **When** I invite, **Then** an email goes out\n"
        );
        assert!(check("story-missing-parts", &[("spec.md", &spec)]).is_empty());
    }
}
