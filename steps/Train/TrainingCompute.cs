using Workflows.Torch.Engine;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Train;

/// <summary>
/// How a training run computes, for the run's duration: libtorch's thread count (<c>threads</c>),
/// per-layer gradient checkpointing (<c>gradient_checkpointing</c>) and NEFTune's embedding noise (<c>neftune_noise_alpha</c>). Disposing restores the thread
/// count the process had, so later steps on the shared device engine see its pinned default.
/// </summary>
/// <remarks>libtorch keeps the thread count per calling thread once that thread has run an operation:
/// enter and dispose on the thread that trains.</remarks>
public sealed class TrainingCompute : IDisposable
{
    private readonly LlamaForCausalLM _model;
    private readonly IDisposable _threads;

    private TrainingCompute(LlamaForCausalLM model, TrainOptions options)
    {
        _model = model;
        _threads = TorchThreads.Use(options.Threads);
        model.model.GradientCheckpointing = options.GradientCheckpointing;
        model.model.EmbeddingNoiseAlpha = options.NeftuneNoiseAlpha ?? 0;
    }

    /// <summary>Applies <paramref name="options"/>' threads and checkpointing to this thread and <paramref name="model"/>.</summary>
    public static TrainingCompute Enter(LlamaForCausalLM model, TrainOptions options) => new(model, options);

    public void Dispose()
    {
        _model.model.GradientCheckpointing = false;
        _model.model.EmbeddingNoiseAlpha = 0;
        _threads.Dispose();
    }
}
