package io.d2iq.kubetunnel.api.v1alpha1;

/** The API group and version of every kubetunnel custom resource. */
public final class ApiGroup {

    /** API group of the kubetunnel custom resources. */
    public static final String GROUP = "kubetunnel.d2iq.io";
    /** API version of this package. */
    public static final String VERSION = "v1alpha1";
    /** {@code group/version}, as written in {@code apiVersion}. */
    public static final String API_VERSION = GROUP + "/" + VERSION;

    private ApiGroup() {}
}
