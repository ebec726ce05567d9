using Workflows.Tracking.Git;

namespace Workflows.Tracking.Tests.Git;

public sealed class PathGlobTests
{
    [TestCase("data/**", "data/a.json", true)]
    [TestCase("data/**", "data/x/y/z.json", true)]
    [TestCase("data/**", "database.json", false)]
    [TestCase("data/*.json", "data/a.json", true)]
    [TestCase("data/*.json", "data/x/a.json", false)]
    [TestCase("**/*.yaml", "workflows/sft.yaml", true)]
    [TestCase("**/*.yaml", "sft.yaml", true)]
    [TestCase("data/**/train.jsonl", "data/train.jsonl", true)]
    [TestCase("data/**/train.jsonl", "data/a/b/train.jsonl", true)]
    [TestCase("file?.txt", "file1.txt", true)]
    [TestCase("file?.txt", "file10.txt", false)]
    [TestCase("file?.txt", "file/.txt", false)]
    [TestCase("a+b(c).txt", "a+b(c).txt", true)]
    [TestCase("/data/*", "data/x", true)]
    [TestCase("release/*", "release/1.0", true)]
    [TestCase("main", "main-old", false)]
    public void IsMatch_Pattern_MatchesLikeGitHubActions(string pattern, string path, bool expected) =>
        Assert.That(new PathGlob([pattern]).IsMatch(path), Is.EqualTo(expected));

    [TestCase("data/notes/readme.md", false)]
    [TestCase("data/notes/keep.md", true)]
    [TestCase("data/train.jsonl", true)]
    public void IsMatch_NegationThenReinclusion_LastMatchingPatternWins(string path, bool expected) =>
        Assert.That(new PathGlob(["data/**", "!data/notes/**", "data/notes/keep.md"]).IsMatch(path), Is.EqualTo(expected));
}
