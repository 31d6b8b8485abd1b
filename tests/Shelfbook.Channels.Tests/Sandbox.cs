using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests;

/// <summary>The platform sandbox for this test run (<see cref="PlatformSandbox"/>).</summary>
public sealed class Sandbox : PlatformSandbox;
