package io.d2iq.kubetunnel.api.doc;

import io.d2iq.kubetunnel.api.v1alpha1.ApiGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders {@code docs/api.md} in the layout of the published API reference: front matter, table of
 * contents, one "Field | Description | Scheme | Required" table per type, a "Back to TOC" link after each.
 * Run by {@code ./mvnw -q -B process-classes -Pregenerate}; {@code GeneratedFilesAreCurrentTest} compares.
 */
public final class ApiReferenceMarkdown {

    private static final String TITLE = "API documentation (" + ApiGroup.VERSION + ")";
    private static final String BACK_TO_TOC = "[Back to TOC](#table-of-contents)";

    private ApiReferenceMarkdown() {}

    /** Writes the reference to the file named by the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ApiReferenceMarkdown OUTPUT_FILE");
        }
        Files.writeString(Path.of(args[0]), render(new ApiReference().types()), StandardCharsets.UTF_8);
    }

    /** The whole document for these types. */
    public static String render(List<ApiReference.Type> types) {
        StringBuilder out = new StringBuilder();
        out.append("---\n")
                .append("layout: layout.pug\n")
                .append("navigationTitle: ")
                .append(TITLE)
                .append('\n')
                .append("title: ")
                .append(TITLE)
                .append('\n')
                .append("menuWeight: 10\n")
                .append("notes: Automatically generated, DO NOT EDIT\n")
                .append("enterprise: false\n")
                .append("excerpt: ")
                .append(TITLE)
                .append('\n')
                .append("---\n\n")
                .append("# API Documentation (")
                .append(ApiGroup.VERSION)
                .append(")\n\n")
                .append("> This document is automatically generated from the API definition in the code.\n\n")
                .append("## Table of Contents\n");
        for (ApiReference.Type type : types) {
            out.append("* [")
                    .append(type.name())
                    .append("](#")
                    .append(SchemeNames.anchor(type.name()))
                    .append(")\n");
        }
        for (ApiReference.Type type : types) {
            out.append("\n## ")
                    .append(type.name())
                    .append("\n\n")
                    .append(type.description())
                    .append("\n\n")
                    .append("| Field | Description | Scheme | Required |\n")
                    .append("| ----- | ----------- | ------ | -------- |\n");
            for (ApiReference.Field field : type.fields()) {
                out.append("| ")
                        .append(field.name())
                        .append(" | ")
                        .append(cell(field.description()))
                        .append(" | ")
                        .append(field.scheme())
                        .append(" | ")
                        .append(field.required())
                        .append(" |\n");
            }
            out.append('\n').append(BACK_TO_TOC).append('\n');
        }
        return out.toString();
    }

    /** A table cell: a pipe would end the cell and a newline the row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
