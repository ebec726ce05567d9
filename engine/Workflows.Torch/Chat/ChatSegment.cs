namespace Workflows.Torch.Chat;

/// <summary>A piece of a rendered conversation; <paramref name="Assistant"/> pieces are what the
/// assistant said, including the template's end-of-turn marker after it.</summary>
public sealed record ChatSegment(string Text, bool Assistant);
