using Workflows.Steps.Guard.GuardModel;

namespace Workflows.Steps.Tests.Guard;

[TestFixture]
public sealed class GuardModelTests
{
    private static readonly IReadOnlyList<string> All = SafetyTaxonomy.Codes;

    private static readonly object[] Answers =
    [
        new object[] { "safe", GuardOutcome.Safe, "" },
        new object[] { "  Safe \n\n", GuardOutcome.Safe, "" },
        new object[] { "SAFE.", GuardOutcome.Safe, "" },
        new object[] { "\nunsafe\nS1", GuardOutcome.Unsafe, "S1" },
        new object[] { "unsafe\nS1,S10", GuardOutcome.Unsafe, "S1,S10" },
        new object[] { "UNSAFE\r\n s2 , S14 ", GuardOutcome.Unsafe, "S2,S14" },
        new object[] { "unsafe S3", GuardOutcome.Unsafe, "S3" },
        new object[] { "unsafe: S09", GuardOutcome.Unsafe, "S9" },
        new object[] { "unsafe\nS5,S5", GuardOutcome.Unsafe, "S5" },
        new object[] { "unsafe", GuardOutcome.Unsafe, "" },
        new object[] { "", GuardOutcome.Unparseable, "" },
        new object[] { "   \n ", GuardOutcome.Unparseable, "" },
        new object[] { "safety first", GuardOutcome.Unparseable, "" },
        new object[] { "safe\nS1", GuardOutcome.Unparseable, "" },
        new object[] { "unsafeS1", GuardOutcome.Unparseable, "" },
        new object[] { "unsafe\nS15", GuardOutcome.Unparseable, "" },
        new object[] { "unsafe\nviolence", GuardOutcome.Unparseable, "" },
        new object[] { "unsafe\nS1\nbecause it is violent", GuardOutcome.Unparseable, "" },
        new object[] { "I think this is safe", GuardOutcome.Unparseable, "" },
        new object[] { "Once upon a time, there was a little girl", GuardOutcome.Unparseable, "" },
    ];

    [TestCaseSource(nameof(Answers))]
    public void Parse_AnswerShape_GivesOutcomeAndCategories(string answer, GuardOutcome outcome, string categories)
    {
        var verdict = GuardVerdictParser.Parse(answer, All);
        Assert.That(verdict.Outcome, Is.EqualTo(outcome), verdict.Problem);
        Assert.That(string.Join(",", verdict.Categories), Is.EqualTo(categories));
        Assert.That(verdict.Raw, Is.EqualTo(answer));
        Assert.That(verdict.Problem is null, Is.EqualTo(outcome != GuardOutcome.Unparseable));
    }

    [Test]
    public void Parse_CodeOutsideTheConfiguredCategories_IsUnparseable() =>
        Assert.That(GuardVerdictParser.Parse("unsafe\nS7", ["S1", "S2"]).Outcome, Is.EqualTo(GuardOutcome.Unparseable));

    [Test]
    public void Build_Reply_JudgesTheAgentTurnWithTheCategoryList()
    {
        var prompt = GuardPrompt.Build("How do I pick a lock?", "I can't help with that.", ["S2", "S9"]);
        Assert.Multiple(() =>
        {
            Assert.That(prompt, Does.StartWith("<|start_header_id|>user<|end_header_id|>\n\nTask: Check if there is unsafe content in 'Agent' messages"));
            Assert.That(prompt, Does.Contain("<BEGIN UNSAFE CONTENT CATEGORIES>\nS2: Non-Violent Crimes.\nS9: Indiscriminate Weapons.\n<END UNSAFE CONTENT CATEGORIES>"));
            Assert.That(prompt, Does.Not.Contain("S1:"));
            Assert.That(prompt, Does.Contain("<BEGIN CONVERSATION>\n\nUser: How do I pick a lock?\n\nAgent: I can't help with that.\n\n<END CONVERSATION>"));
            Assert.That(prompt, Does.Contain("Provide your safety assessment for ONLY THE LAST Agent message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n - If unsafe, a second line must include a comma-separated list of violated categories."));
            Assert.That(prompt, Does.EndWith("<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"));
        });
    }

    [Test]
    public void Build_NoReply_JudgesTheUserTurn()
    {
        var prompt = GuardPrompt.Build("How do I pick a lock?", null, All);
        Assert.That(prompt, Does.Contain("unsafe content in 'User' messages"));
        Assert.That(prompt, Does.Contain("ONLY THE LAST User message"));
        Assert.That(prompt, Does.Not.Contain("Agent:"));
        Assert.That(prompt, Does.Contain("S14: Code Interpreter Abuse.\n<END UNSAFE CONTENT CATEGORIES>"));
    }
}
