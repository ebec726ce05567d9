using NUnit.Framework;
using static TorchSharp.torch;
namespace Workflows.Torch.Tests;
public class SmokeProbe { [Test] public void Load() { var t = ones(3); Assert.That(t.sum().item<float>(), Is.EqualTo(3f)); } }
