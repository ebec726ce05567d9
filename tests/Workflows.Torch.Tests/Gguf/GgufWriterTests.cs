using NUnit.Framework;
using Workflows.Torch.Gguf;

namespace Workflows.Torch.Tests.Gguf;

[TestFixture]
public sealed class GgufWriterTests
{
    [Test]
    public void Write_HeaderAndAlignedData_AsGgufV3()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("x.gguf");
        new GgufWriter().Add("general.architecture", "llama").AddTensor("a", [3], GgufTensorType.F32, new byte[12]).AddTensor("b", [2, 2], GgufTensorType.F32, Enumerable.Repeat((byte)7, 16).ToArray()).Write(path);

        var bytes = File.ReadAllBytes(path);
        Assert.Multiple(() =>
        {
            Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 0, 4), Is.EqualTo("GGUF"));
            Assert.That(BitConverter.ToUInt32(bytes, 4), Is.EqualTo(3u));
            Assert.That(BitConverter.ToUInt64(bytes, 8), Is.EqualTo(2ul), "tensors");
            Assert.That(BitConverter.ToUInt64(bytes, 16), Is.EqualTo(1ul), "metadata entries");
            Assert.That(bytes.Length % GgufWriter.Alignment, Is.EqualTo(0));
            Assert.That(bytes[^GgufWriter.Alignment], Is.EqualTo(7), "tensor b starts on an aligned offset");
        });
    }

    [Test]
    public void AddTensor_WrongByteCount_Throws() =>
        Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("a", [32], GgufTensorType.Q8_0, new byte[32]));

    [Test]
    public void Add_SameKeyTwice_Throws() =>
        Assert.Throws<ArgumentException>(() => new GgufWriter().Add("k", 1u).Add("k", 2u));
}
