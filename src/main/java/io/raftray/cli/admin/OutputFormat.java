package io.raftray.cli.admin;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --output}: aligned tables for people, or the API's JSON for scripts. */
enum OutputFormat {
  TABLE,
  JSON;

  static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "table" -> TABLE;
        case "json" -> JSON;
        default -> throw new TypeConversionException("expected table or json, got '" + value + "'");
      };
    }
  }
}
