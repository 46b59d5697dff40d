using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// A container that places modules under dotted paths (<c>down_blocks.1.attentions.0.transformer_blocks.0</c>),
/// creating the intermediate levels, so a module tree that lives beside another model can mirror its
/// state-dict paths. TorchSharp, like PyTorch, forbids dots in a single module name.
/// </summary>
public sealed class ModuleTree : nn.Module
{
    public ModuleTree() : base(nameof(ModuleTree))
    {
    }

    public void Add(string path, nn.Module leaf)
    {
        var parts = path.Split('.');
        nn.Module node = this;
        foreach (var part in parts[..^1])
        {
            var child = node.named_children().FirstOrDefault(c => c.name == part).module;
            if (child is null)
            {
                child = new ModuleTree();
                node.register_module(part, child);
            }
            node = child;
        }
        node.register_module(parts[^1], leaf);
    }
}
