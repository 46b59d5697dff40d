using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class PytorchFidPreprocessingTests
{
    [Fact]
    public void Images_already_299_pixels_are_only_rescaled_to_minus_one_one()
    {
        using var generator = new Generator(7);
        using var images = rand([2, 3, 299, 299], generator: generator);
        using var expected = images * 2 - 1;

        using var prepared = PytorchFidPreprocessing.Instance.Prepare(images);

        using var same = prepared.eq(expected).all();
        Assert.True(same.item<bool>());
    }

    [Fact]
    public void Resize_agrees_with_libtorch_interpolate_up_to_its_float32_source_coordinates()
    {
        using var generator = new Generator(11);
        using var images = rand([1, 3, 37, 517], generator: generator);

        using var ours = PytorchFidPreprocessing.Resize(images, 299, 299);
        using var libtorch = nn.functional.interpolate(images, [299, 299], mode: InterpolationMode.Bilinear, align_corners: false);

        TensorAssert.Close(ours, libtorch, atol: 1e-4);
    }

    [Fact]
    public void Resize_refuses_images_without_a_batch_axis()
    {
        using var image = zeros(3, 8, 8);

        Assert.Throws<Clap2Diffusion.Engine.InputException>(() => PytorchFidPreprocessing.Resize(image, 299, 299));
    }
}
