Feature: can build release branches with guardrails

  Background:
    Given weave-gitops main merges are protected with `build` status check
    And weave-gitops main merges are protected with `release` status check

  Scenario: add a check to the PR that only gets passed when release goes on
    When human executed prepare-release job with `v0.30`
    Then release PR is created
    And release PR cannot be merged cause not approved
    And release PR cannot be merged cause not release build passes

    When human approves it
    Then release process starts
    And cannot merge it cause release hasnt happened

    When release process ends
    Then release check passes
    And release branch is merged by bot
