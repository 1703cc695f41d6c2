package io.raftray.cli.admin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One admin verb. Resolves the connection, runs {@link #run}, and turns failures into one-line
 * messages on stderr and exit codes (see package doc). No stack traces reach the user.
 */
abstract class AdminCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;

  /** Set by {@link AdminCli#register}; the real process environment otherwise. */
  CliContext context = CliContext.system();

  @Override
  public final Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      validate();
      Connection connection = Connection.resolve(client, context);
      ApiClient api =
          new ApiClient(
              connection.server(), connection.token(), connection.sslContext(), context.json());
      run(api, new Printer(spec.commandLine().getOut(), err, client.output, context.json()));
      return 0;
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (ApiException e) {
      e.print(err);
      return e.exitCode();
    } catch (TransportException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } finally {
      err.flush();
    }
  }

  /** Checks arguments that picocli cannot, before anything is sent. */
  void validate() throws UsageException {}

  abstract void run(ApiClient api, Printer out) throws ApiException, TransportException;
}
