witnesses-title = Testigos
witnesses-intro = Los testigos son servidores gestionados por Estados miembros. Cada uno comprueba que cada nuevo punto de control del registro prolonga los que vio antes y, después, lo cofirma. Un punto de control cofirmado por suficientes testigos es uno que el registro no habría podido mostrar de otra manera a distintos lectores sin ser descubierto.
witnesses-policy-heading = La política en vigor
witnesses-quorum-none-registered = No hay ningún testigo registrado, así que no se exige ninguna cofirma (`quorum none`): un punto de control se apoya solo en la firma del registro.
witnesses-quorum-none = Ningún testigo registrado cuenta para el quórum, así que no se exige ninguna cofirma (`quorum none`): un punto de control se apoya solo en la firma del registro.
witnesses-quorum-intro = Un punto de control alcanza el quórum cuando lleva cofirmas válidas:
witnesses-quorum-counted = { $n ->
    [one] del único testigo computado
   *[other] de { $k } de los { $n } testigos computados
}
witnesses-quorum-group = { $n ->
    [one] del único testigo computado del grupo { $group }
   *[other] de al menos { $k } de los { $n } testigos computados del grupo { $group }
}
witnesses-quorum-witness = del testigo de
witnesses-set-by = Estas reglas sobre los testigos las fijó la decisión sobre la propuesta
witnesses-set-by-genesis = Estas reglas sobre los testigos son las de la fundación: ninguna decisión las ha cambiado.
witnesses-policy-text = La política en formato `C2SP tlog-policy`, en vigor en el punto de control { $size }
witnesses-policy-raw = La política tal como se sirve a los verificadores:
witnesses-registered-heading = Testigos registrados
witnesses-none-registered = Ningún Estado miembro ha registrado un testigo.
witnesses-legend = Signos en las filas de resultados:
witnesses-result-cosigned = cofirmado
witnesses-result-bad = cofirma no válida
witnesses-result-refused = rechazó el punto de control
witnesses-result-unreachable = inalcanzable
witnesses-result-busy = todavía ocupado, no consultado
witnesses-result-late = respondió demasiado tarde
witnesses-url = Dirección
witnesses-vkey = Clave de verificación
witnesses-counted = Cuenta para el quórum
witnesses-counted-yes = Sí
witnesses-counted-no = No
witnesses-since = Registrado en la entrada
witnesses-availability = Disponibilidad reciente
witnesses-availability-share = { $n ->
    [one] Cofirmó { $k } del último punto de control ({ $percent } %).
   *[other] Cofirmó { $k } de los últimos { $n } puntos de control ({ $percent } %).
}
witnesses-availability-none = Aún no consultado desde que se inició este nodo.
witnesses-last-cosigned = Última cofirma
witnesses-last-problem = Último problema
witnesses-row-label = { $n ->
    [one] El último resultado
   *[other] Los últimos { $n } resultados, del más antiguo al más reciente
}
witnesses-row-item = Punto de control { $size }: { $result }
witnesses-recent-heading = Puntos de control recientes
witnesses-recent-caption = { $count ->
    [one] El último punto de control publicado por este nodo
   *[other] Los últimos { $count } puntos de control publicados por este nodo, del más reciente al más antiguo
}
witnesses-col-size = Entradas (tamaño del árbol)
witnesses-col-published = Publicado
witnesses-col-cosigned = Cofirmado por
witnesses-col-quorum = Quórum
witnesses-cosigned-nobody = ningún testigo
witnesses-quorum-met = quórum alcanzado
witnesses-quorum-not-met = quórum no alcanzado
witnesses-quorum-not-required = no se exige cofirma
witnesses-line-cosigned = Cofirmas de los testigos:
witnesses-line-link = Los testigos y su política
witnesses-line-none = Ningún testigo cofirma este registro: su política no exige ninguna cofirma.
