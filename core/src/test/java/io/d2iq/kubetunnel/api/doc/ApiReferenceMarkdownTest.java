package io.d2iq.kubetunnel.api.doc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown layout of the API reference. */
class ApiReferenceMarkdownTest {

    private static final ApiReference.Type WIDGET = new ApiReference.Type(
            "WidgetSpec", "A widget.", List.of(new ApiReference.Field("size", "Size in a|b form.", "int32", true)));
    private static final ApiReference.Type GADGET = new ApiReference.Type("Gadget", "", List.of());

    private final String markdown = ApiReferenceMarkdown.render(List.of(WIDGET, GADGET));

    @Test
    void startsWithTheFrontMatterAndTitleOfThePublishedReference() {
        assertThat(markdown).startsWith("""
                ---
                layout: layout.pug
                navigationTitle: API documentation (v1alpha1)
                title: API documentation (v1alpha1)
                menuWeight: 10
                notes: Automatically generated, DO NOT EDIT
                enterprise: false
                excerpt: API documentation (v1alpha1)
                ---

                # API Documentation (v1alpha1)

                > This document is automatically generated from the API definition in the code.

                """);
    }

    @Test
    void tableOfContentsListsTheTypesInTheGivenOrder() {
        assertThat(markdown).contains("""
                ## Table of Contents
                * [WidgetSpec](#widgetspec)
                * [Gadget](#gadget)

                ## WidgetSpec
                """);
    }

    @Test
    void eachTypeHasItsDescriptionATableAndABackToTocLink() {
        assertThat(markdown).contains("""
                ## WidgetSpec

                A widget.

                | Field | Description | Scheme | Required |
                | ----- | ----------- | ------ | -------- |
                | size | Size in a\\|b form. | int32 | true |

                [Back to TOC](#table-of-contents)

                ## Gadget

                """);
        assertThat(markdown).endsWith("""
                | Field | Description | Scheme | Required |
                | ----- | ----------- | ------ | -------- |

                [Back to TOC](#table-of-contents)
                """);
    }
}
