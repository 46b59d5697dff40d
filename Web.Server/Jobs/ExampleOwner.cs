namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// The reserved owner of the showcase pairs an empty gallery starts with on the demo model. It is not a valid client
/// id, so no visitor can own, cancel or delete them, and the queue runs them only when no visitor's job waits: a
/// newcomer's first pair never queues behind the examples.
/// </summary>
public static class ExampleOwner
{
    public const string Id = "example:showcase";

    public static bool Owns(string ownerId) => ownerId == Id;
}
