namespace Workflows.Steps.Guard;

/// <summary>Which turn the guard model judges.</summary>
public enum GuardJudges
{
    /// <summary>The model's reply to the prompt (Llama Guard's 'Agent' role).</summary>
    Response,
    /// <summary>The prompt itself (Llama Guard's 'User' role): classifies the suite, not the model under test.</summary>
    Prompt,
}
