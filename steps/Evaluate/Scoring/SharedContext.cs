namespace Workflows.Steps.Evaluate.Scoring;

/// <summary>One model input and the ids it is scored on: target j is predicted at input position
/// <c>Input.Length − Targets.Length + j</c>. <see cref="Index"/> is its place in its group.</summary>
internal sealed record ScoredSequence(int Index, long[] Input, long[] Targets)
{
    /// <summary>The scored input positions in [<paramref name="from"/>, <paramref name="to"/>), with the index and id of the target each predicts.</summary>
    public IEnumerable<(int Position, int Target, long Id)> Scored(int from, int to)
    {
        var first = Input.Length - Targets.Length;
        for (var p = Math.Max(from, first); p < Math.Min(to, Input.Length); p++) yield return (p, p - first, Targets[p - first]);
    }
}

/// <summary>
/// The first <see cref="Length"/> input tokens that every sequence in <see cref="Members"/> has (a question's
/// context before its choices), run through the model once; each member's tokens after it continue a copy of it.
/// </summary>
internal sealed record SharedContext(int Group, int Length, IReadOnlyList<ScoredSequence> Members)
{
    /// <summary>One context per group: the longest start its sequences' inputs share. A group whose inputs share
    /// no first token (there is no context to share) gets one context per sequence, each the whole input.</summary>
    public static IReadOnlyList<SharedContext> Of(IReadOnlyList<IReadOnlyList<(long[] Input, long[] Targets)>> groups)
    {
        var contexts = new List<SharedContext>();
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups[g].Select((s, i) => new ScoredSequence(i, s.Input, s.Targets)).ToList();
            if (members.Count == 0) continue;
            var shared = members.Min(m => m.Input.Length);
            foreach (var member in members.Skip(1))
            {
                var same = 0;
                while (same < shared && member.Input[same] == members[0].Input[same]) same++;
                shared = same;
            }

            if (shared > 0) contexts.Add(new SharedContext(g, shared, members));
            else contexts.AddRange(members.Select(m => new SharedContext(g, m.Input.Length, [m])));
        }

        return contexts;
    }
}
