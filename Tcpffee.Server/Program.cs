using System.CommandLine;
using Tcpffee.Cli;
using Tcpffee.Hosting;

RuntimeTuning.Apply();

// The host handles SIGTERM and SIGINT itself and drains for shutdown_timeout; System.CommandLine's own handling would
// end the process 2 s after the signal, in the middle of the drain.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await TcpffeeCommandLine.Create().Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
