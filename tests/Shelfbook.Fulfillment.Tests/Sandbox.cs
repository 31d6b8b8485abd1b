using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests;

/// <summary>The platform sandbox for this test run (<see cref="PlatformSandbox"/>).</summary>
public sealed class Sandbox : PlatformSandbox;
