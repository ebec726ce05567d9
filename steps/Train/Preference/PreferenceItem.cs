namespace Workflows.Steps.Train.Preference;

/// <summary>One tokenised preference pair, or one KTO row (<see cref="Rejected"/> null, <see cref="Desirable"/>
/// its label). <see cref="Prompt"/> and <see cref="Answer"/> are kept so that KTO can pair a prompt with
/// another row's answer for its KL estimate.</summary>
public sealed record PreferenceItem(IReadOnlyList<TextSegment> Prompt, TextSegment Answer, TokenisedExample Chosen, TokenisedExample? Rejected, bool Desirable = true);
